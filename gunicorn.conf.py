"""Gunicorn settings read from the project directory (``make run``, the benchmark, deployments)."""


def post_worker_init(worker):
    """Warm the worker's question caches in the background (app/warmup.py)."""
    from app.warmup import start_warming

    start_warming(worker.wsgi)
