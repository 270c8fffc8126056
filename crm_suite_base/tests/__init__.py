from . import test_write_policy
from . import test_i18n
