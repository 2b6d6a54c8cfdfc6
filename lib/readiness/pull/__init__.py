"""Pull an export straight from the services: Autotask REST (`readiness pull`), HaloPSA invoices (`readiness pull-halo`)."""
