//! Failure analysis over the register: search kept in step with the database, classification
//! suggestions and the learned model, recurrence, trends and the yearly report.
