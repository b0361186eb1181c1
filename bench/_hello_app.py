"""The hello-world ceiling for bench/web_load.py: the smallest Flask app, served by the same gunicorn settings."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
