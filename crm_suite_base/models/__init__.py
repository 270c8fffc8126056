from . import write_policy_mixin
from . import write_policy
