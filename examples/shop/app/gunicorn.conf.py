# Gunicorn settings for the shop web app.
import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = 4
keepalive = 2
timeout = 60
graceful_timeout = 20
