"""CRM training and examination platform."""
