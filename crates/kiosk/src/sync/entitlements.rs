//! What lets members in besides their record: plans (the account's active contracts) and
//! passes (its unused ones), read whenever members are pulled.

use futures::StreamExt;
use nexudus::{ApiError, Client, ContractQuery, TimePassQuery};
use tracing::{debug, info, instrument};

use super::{SyncEngine, SyncError, wire};
use crate::domain::passes::Pass;
use crate::error::StoreError;
use crate::store::StateKey;

/// How far back the daily load reads used passes: a member whose passes were all used within
/// it is told so, rather than "no plan".
const USED_LATELY: chrono::Duration = chrono::Duration::days(60);

impl SyncEngine {
    /// Plans, then passes. Answers the refusal of a read the account lacks a role for (the
    /// rest goes on without it: the kiosk then refuses no one for want of what it cannot read).
    pub(super) async fn pull_entitlements(
        &self,
        api: &Client,
    ) -> Result<Option<ApiError>, SyncError> {
        let plans = self.pull_plans(api).await?;
        let passes = self.pull_passes(api).await?;
        Ok(plans.or(passes))
    }

    /// Members' plans from the account's active contracts (Nexudus has no plan field on a
    /// customer). Read whole each time members are pulled; a server without contracts leaves the
    /// plans as they were, and an account without the role to read them is reported (the
    /// kiosk then refuses no one for a missing plan: it cannot know).
    #[instrument(skip_all, err(Debug))]
    async fn pull_plans(&self, api: &Client) -> Result<Option<ApiError>, SyncError> {
        let query = ContractQuery {
            active: Some(true),
            ..ContractQuery::default()
        };
        let mut contracts: Vec<nexudus::CoworkerContract> = Vec::new();
        // Contracts that did not read: whose they are is unknown, so no plan is taken away.
        let mut unread = 0;
        let mut pages = std::pin::pin!(api.contract_pages(query));
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => {
                    unread += page.skipped.len();
                    contracts.extend(page.records);
                }
                Err(ApiError::NotFound { .. }) => return Ok(None),
                Err(e @ ApiError::Forbidden { .. }) => {
                    // Plans cannot be known: the kiosk refuses no one for a missing plan.
                    self.shared
                        .store
                        .write(|tx| tx.delete_state(StateKey::PlansAt))?;
                    return Ok(Some(e));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if unread > 0 {
            debug!(
                unread,
                "contracts did not read: no plan is taken away this time"
            );
        }
        let now = self.shared.clock.now();
        let plans = wire::plans(&contracts, now);
        let changed = self.shared.store.write(|tx| {
            let changed = tx.set_plans(&plans, unread == 0)?;
            tx.set_state_time(StateKey::PlansAt, now)?;
            Ok::<_, StoreError>(changed)
        })?;
        if changed > 0 {
            info!(changed, "plans from contracts");
        }
        Ok(None)
    }

    /// The account's unused passes (members without a plan come on them). Read whole each time
    /// members are pulled; passes that did not read take nothing away; an account without the
    /// role to read them is reported (the kiosk then refuses no one without a plan: it cannot
    /// know their passes).
    #[instrument(skip_all, err(Debug))]
    async fn pull_passes(&self, api: &Client) -> Result<Option<ApiError>, SyncError> {
        let now = self.shared.clock.now();
        // The passes used lately, daily (they change only by use), and never with the first read
        // of passes: a first load carries only what lets members in.
        let used_too = self
            .shared
            .store
            .read(|tx| tx.get_state(StateKey::PassesAt))?
            .is_some()
            && self.due(StateKey::PassesUsedAt, chrono::Duration::days(1))?;
        let unused = TimePassQuery {
            used: Some(false),
            ..TimePassQuery::default()
        };
        let used = TimePassQuery {
            used: Some(true),
            used_since: Some(now - USED_LATELY),
            ..TimePassQuery::default()
        };
        let read = async {
            let unused = read_passes(api, unused).await?;
            let used = if used_too {
                read_passes(api, used).await?.0
            } else {
                Vec::new()
            };
            Ok::<_, ApiError>((unused, used))
        };
        let ((passes, unread), used_lately) = match read.await {
            Ok(read) => read,
            // Passes cannot be known: the kiosk refuses no one without a plan.
            Err(e @ (ApiError::Forbidden { .. } | ApiError::NotFound { .. })) => {
                self.shared
                    .store
                    .write(|tx| tx.delete_state(StateKey::PassesAt))?;
                return Ok(matches!(e, ApiError::Forbidden { .. }).then_some(e));
            }
            Err(e) => return Err(e.into()),
        };
        let changed = self.shared.store.write(|tx| {
            let changed = tx.set_used_passes(&used_lately, now)?
                + tx.set_unused_passes(&passes, unread == 0, now)?;
            tx.set_state_time(StateKey::PassesAt, now)?;
            if used_too {
                tx.set_state_time(StateKey::PassesUsedAt, now)?;
            }
            Ok::<_, StoreError>(changed)
        })?;
        if changed > 0 {
            info!(changed, unused = passes.len(), "passes");
        }
        Ok(None)
    }
}

/// Every page of passes matching `query`, and how many did not read.
async fn read_passes(api: &Client, query: TimePassQuery) -> Result<(Vec<Pass>, usize), ApiError> {
    let mut passes = Vec::new();
    let mut unread = 0;
    let mut pages = std::pin::pin!(api.time_pass_pages(query));
    while let Some(page) = pages.next().await {
        let page = page?;
        unread += page.skipped.len();
        passes.extend(page.records.iter().filter_map(wire::pass));
    }
    Ok((passes, unread))
}
