//! Operational resilience over the register: institutions' dependency maps, scenarios and runs,
//! stored as versioned documents and validated by the resilience engine.
