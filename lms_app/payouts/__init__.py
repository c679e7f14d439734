"""Payout statements: per teacher, per month (UTC) and per currency, from the revenue ledger."""
