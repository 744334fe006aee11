//! The RON loaders (positions, tiers, annex proposals, themes, the roster): any bytes give
//! a value or a located error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use treaty_workbench::annex::AnnexRegister;
use treaty_workbench::position::Position;
use treaty_workbench::ronfile::parse_bytes;
use treaty_workbench::roster::Roster;
use treaty_workbench::theme::Theme;
use treaty_workbench::tiers::Tiers;

fuzz_target!(|data: &[u8]| {
    let p = Path::new("fuzz.ron");
    let _ = parse_bytes::<Position>(data, p).map_err(|e| e.into_diagnostic());
    let _ = parse_bytes::<Tiers>(data, p).map_err(|e| e.into_diagnostic());
    let _ = parse_bytes::<AnnexRegister>(data, p).map_err(|e| e.into_diagnostic());
    if let Ok(r) = Roster::from_bytes(data, p) {
        let _ = r.check(&String::from_utf8_lossy(data), p, None);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = Theme::from_str(text, p) {
            let _ = e.into_diagnostic(p);
        }
        let _ = Theme::validate(text, p);
    }
});
