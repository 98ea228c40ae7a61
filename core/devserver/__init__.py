"""`manage.py runserver` without the 40 ms stall on kept-alive connections.

Python's http.server, under Django's runserver, writes a response's headers and body in
two sends. On a connection a browser (or an API client) keeps alive, Nagle's algorithm
holds the body back until the client acknowledges the headers, and the client's delayed
ACK waits 40 ms first (CPython gh-108736): every response of `make run` took at least
40 ms. The server here turns Nagle off on each connection it accepts.

An app of its own so it can sit before django.contrib.staticfiles in INSTALLED_APPS
(the first app's command wins) without moving the rest of core there.
"""
