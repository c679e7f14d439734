"""Real payment providers (Stripe, Paystack) and subscriptions / all-access passes."""
