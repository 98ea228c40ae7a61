"""`manage.py runserver` (what `make run` serves) answers kept-alive connections without
Nagle's 40 ms stall (core.devserver), and still serves static files."""

from __future__ import annotations

import socket

from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticFilesRunserver,
)
from django.core.management import get_commands, load_command_class
from django.core.servers.basehttp import WSGIRequestHandler


def runserver():
    return load_command_class(get_commands()["runserver"], "runserver")


def test_each_accepted_connection_sends_at_once():
    server = runserver().server_cls(("127.0.0.1", 0), WSGIRequestHandler)
    with server, socket.create_connection(server.server_address):
        accepted, _ = server.get_request()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_it_is_still_staticfiles_runserver():
    command = runserver()
    assert isinstance(command, StaticFilesRunserver)
    options = command.create_parser("manage.py", "runserver").parse_args([])
    assert options.use_static_handler is True
