from . import test_write_policy
