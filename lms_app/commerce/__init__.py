"""Commerce: checkout, payment gateways, orders, receipts, coupons, refunds, the ledger and revenue."""
