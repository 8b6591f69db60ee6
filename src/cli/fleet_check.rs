//! `check` over many clusters: the fleet audit of what was captured, printed as the fleet
//! table (then each cluster's findings) or as one JSON/YAML document.

use super::check::{CheckArgs, Format};
use crate::check::Untrusted;
use crate::fleet::{FleetReport, FleetSnapshot};
use crate::render::check_table::TableOptions;
use crate::render::{Palette, data, fleet_table};

/// Audits the captured fleet, prints it, and returns the fleet's exit code.
pub(super) fn print(fleet: &FleetSnapshot, args: &CheckArgs) -> u8 {
    let untrusted = Untrusted {
        names: args.untrusted.clone(),
        selector: args.untrusted_selector.clone(),
    };
    let report = FleetReport::build(fleet, &untrusted, args.fail_on.status(), args.allow_skip);
    let text = match args.output {
        Format::Table => fleet_table::render(
            &report,
            &TableOptions {
                palette: Palette::for_stdout(),
                no_headers: args.no_headers,
            },
            args.summary,
        ),
        Format::Json => data::json(&report),
        Format::Yaml => data::yaml(&report),
    };
    print!("{text}");
    report.summary.exit_code
}
