"""Tests of the deployment files: docker-compose.yml, the Redis configs and ACL, production settings."""
