from . import crm_cashflow_forecast_report
