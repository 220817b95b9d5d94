//! The UI's TypeScript types, generated from these Rust types (ts-rs), never written twice.
//! `UPDATE_TS=1 cargo test -p kiosk typescript` rewrites `ui/src/lib/types.ts`; without it the
//! test fails when the file has drifted from the Rust types.

use ts_rs::{Config, TS};

use crate::ErrorDto;
use crate::calls::{BadgeDesk, Tablets};
use crate::doctor::{
    Breaks, Check, DoctorLine, DoctorReport, Failure, Finding, Found, Place, Unread,
};
use crate::domain::attempts::Caller;
use crate::domain::badges::{BadgePrint, LabelSize, PrintState, PrinterCondition, ScreenBadge};
use crate::domain::brand::Branding;
use crate::domain::events::Event;
use crate::domain::model::{OutboxEntry, OutboxOp, OutboxStatus, RecordKind, TapMethod};
use crate::domain::peers::{PairedKiosk, PeerHealth, PeerKiosk, PeerProblem};
use crate::domain::problem::SendProblem;
use crate::domain::rules::Refusal;
use crate::domain::settings::{AutoCheckoutRule, Location, PrivacyMode, Settings};
use crate::domain::views::{
    AuditLine, Capabilities, Connectivity, IgnoredAfter, PairingInfo, QueueItem, Status,
    TapOutcome, Tile,
};
use crate::services::NewScrapeToken;
use crate::services::{StaffSession, WrongPins};
use crate::store::{Device, ScrapeToken};

fn declarations() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        Tile::decl(&cfg),
        TapOutcome::decl(&cfg),
        crate::services::VisitorOutcome::decl(&cfg),
        crate::services::WalkIn::decl(&cfg),
        crate::services::Signing::decl(&cfg),
        crate::services::VisitorPhoto::decl(&cfg),
        crate::services::SignedCopy::decl(&cfg),
        crate::domain::agreements::Signature::decl(&cfg),
        crate::domain::agreements::Agreement::decl(&cfg),
        crate::domain::agreements::AgreementText::decl(&cfg),
        crate::services::Host::decl(&cfg),
        crate::services::FoundVisitor::decl(&cfg),
        crate::domain::settings::VisitorSettings::decl(&cfg),
        crate::domain::desk_views::How::decl(&cfg),
        crate::domain::desk_views::Presence::decl(&cfg),
        crate::domain::desk_views::Movement::decl(&cfg),
        crate::domain::desk_views::FailedLine::decl(&cfg),
        crate::domain::desk_views::Advice::decl(&cfg),
        crate::domain::desk_views::ParkedLine::decl(&cfg),
        crate::domain::desk_views::Today::decl(&cfg),
        crate::domain::desk_views::Peak::decl(&cfg),
        crate::domain::desk_views::Occupancy::decl(&cfg),
        crate::domain::desk_views::RollCall::decl(&cfg),
        crate::domain::desk_views::Health::decl(&cfg),
        crate::domain::heartbeat::Seen::decl(&cfg),
        crate::domain::unread::UnreadRecord::decl(&cfg),
        crate::domain::unread::RecordList::decl(&cfg),
        crate::domain::passes::PassUse::decl(&cfg),
        Refusal::decl(&cfg),
        Status::decl(&cfg),
        crate::domain::views::MemberLoad::decl(&cfg),
        crate::domain::views::AccountView::decl(&cfg),
        Capabilities::decl(&cfg),
        IgnoredAfter::decl(&cfg),
        AuditLine::decl(&cfg),
        PairingInfo::decl(&cfg),
        Connectivity::decl(&cfg),
        Location::decl(&cfg),
        Settings::decl(&cfg),
        Branding::decl(&cfg),
        PrivacyMode::decl(&cfg),
        AutoCheckoutRule::decl(&cfg),
        Event::decl(&cfg),
        QueueItem::decl(&cfg),
        OutboxEntry::decl(&cfg),
        SendProblem::decl(&cfg),
        RecordKind::decl(&cfg),
        OutboxOp::decl(&cfg),
        OutboxStatus::decl(&cfg),
        TapMethod::decl(&cfg),
        crate::ErrorCode::decl(&cfg),
        ErrorDto::decl(&cfg),
        DoctorReport::decl(&cfg),
        DoctorLine::decl(&cfg),
        Finding::decl(&cfg),
        Check::decl(&cfg),
        Found::decl(&cfg),
        Breaks::decl(&cfg),
        Failure::decl(&cfg),
        Place::decl(&cfg),
        Unread::decl(&cfg),
        StaffSession::decl(&cfg),
        Tablets::decl(&cfg),
        BadgeDesk::decl(&cfg),
        BadgePrint::decl(&cfg),
        LabelSize::decl(&cfg),
        PrintState::decl(&cfg),
        PrinterCondition::decl(&cfg),
        ScreenBadge::decl(&cfg),
        Device::decl(&cfg),
        ScrapeToken::decl(&cfg),
        PeerKiosk::decl(&cfg),
        PairedKiosk::decl(&cfg),
        PeerHealth::decl(&cfg),
        PeerProblem::decl(&cfg),
        NewScrapeToken::decl(&cfg),
        WrongPins::decl(&cfg),
        Caller::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types of crates/kiosk by ts-rs. Do not edit:\n// UPDATE_TS=1 cargo test -p kiosk typescript\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str(&crate::calls::typescript(&cfg));
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn typescript_bindings_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/types.ts");
    let fresh = declarations();
    if std::env::var_os("UPDATE_TS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "ui/src/lib/types.ts is out of date: run UPDATE_TS=1 cargo test -p kiosk typescript"
    );
}
