"""Developer tooling: private redis-server processes for `make run`, `make test` and the tests."""
