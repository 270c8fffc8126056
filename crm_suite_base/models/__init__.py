from . import write_policy_mixin
from . import write_policy
from . import sale_revision_mixin
from . import base_unlink
from . import ir_default
