# The suite's two commands. Both run the same idempotent setup first
# (PostgreSQL, Odoo 18.0 source, virtualenv): see tools/suite.py.
PYTHON ?= python3

.PHONY: run test setup
run:
	$(PYTHON) tools/suite.py run

test:
	$(PYTHON) tools/suite.py test

setup:
	$(PYTHON) tools/suite.py setup
