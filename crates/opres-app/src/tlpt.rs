//! The TLPT programme over the register: programmes and the ATT&CK catalogue, stored as
//! versioned documents and validated by the TLPT engine.
