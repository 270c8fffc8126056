from . import test_write_policy
from . import test_i18n
from . import test_demo_scope
from . import test_force_unlink
from . import test_row_locks
