"""A bare Flask endpoint: the yardstick the benchmark compares our pages and autosave against."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/ping", methods=["GET", "PUT"])
def ping():
    """Parse a JSON body if there is one and answer a small JSON object."""
    body = request.get_json(silent=True) if request.method == "PUT" else None
    return jsonify(ok=True, saw=bool(body))
