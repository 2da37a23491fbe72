#!/usr/bin/python3
"""The operator's endpoint for run.sh --webhooks: answers every POST 204 on 127.0.0.1 (a free
port, printed as "port N"), reading the body and checking nothing, so the benchmark measures
what sending webhooks costs the service. Stopped by its pid."""
import http.server
import sys


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print("port", server.server_address[1], flush=True)
sys.stdout.close()
server.serve_forever()
