//! The `opres` binary end to end: gen → import → export, refusal of bad files, exit codes.

mod round_trip;
