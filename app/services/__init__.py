"""Services: the only layer that joins the database, the domain and the content."""
