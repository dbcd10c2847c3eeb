"""Tests of the messaging app: services, pages, sockets, cross-instance fan-out, browser."""
