from . import test_turnover_report
