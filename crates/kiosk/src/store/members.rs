//! The member cache, teams and the account's locations.

use rusqlite::{Row, params};

use super::Tx;
use super::values::{Ids, Ts};
use crate::domain::model::Member;
use crate::error::StoreError;

const MEMBER_COLUMNS: &str = "id, full_name, company, active, plan, home_location, locations, teams, pin_hash, card_hash, updated_on";

fn member(r: &Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        id: r.get("id")?,
        full_name: r.get("full_name")?,
        company: r.get("company")?,
        active: r.get("active")?,
        plan: r.get("plan")?,
        home_location: r.get("home_location")?,
        locations: r.get::<_, Ids>("locations")?.0,
        teams: r.get::<_, Ids>("teams")?.0,
        pin_hash: r.get("pin_hash")?,
        card_hash: r.get("card_hash")?,
        updated_on: r.get::<_, Option<Ts>>("updated_on")?.map(|t| t.0),
    })
}

impl Tx<'_> {
    pub fn upsert_member(&self, m: &Member) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO members (id, full_name, company, active, plan, home_location, locations, teams, pin_hash, card_hash, updated_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (id) DO UPDATE SET full_name = ?2, company = ?3, active = ?4, plan = ?5, home_location = ?6,
               locations = ?7, teams = ?8, pin_hash = ?9, card_hash = ?10, updated_on = ?11",
            params![
                m.id,
                m.full_name,
                m.company,
                m.active,
                m.plan,
                m.home_location,
                Ids(m.locations.clone()),
                Ids(m.teams.clone()),
                m.pin_hash,
                m.card_hash,
                m.updated_on.map(Ts),
            ],
        )?;
        Ok(())
    }

    /// Removes members that left upstream; their check-in history stays.
    pub fn remove_member(&self, id: i64) -> Result<(), StoreError> {
        self.exec("DELETE FROM members WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn member(&self, id: i64) -> Result<Option<Member>, StoreError> {
        self.row(
            &format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1"),
            [id],
            member,
        )
    }

    fn member_by(&self, column: &str, hash: &[u8]) -> Result<Option<Member>, StoreError> {
        self.row(
            &format!(
                "SELECT {MEMBER_COLUMNS} FROM members WHERE {column} = ?1 ORDER BY active DESC LIMIT 1"
            ),
            [hash],
            member,
        )
    }

    pub fn member_by_pin(&self, hash: &[u8]) -> Result<Option<Member>, StoreError> {
        self.member_by("pin_hash", hash)
    }

    pub fn member_by_card(&self, hash: &[u8]) -> Result<Option<Member>, StoreError> {
        self.member_by("card_hash", hash)
    }

    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        self.rows(
            &format!("SELECT {MEMBER_COLUMNS} FROM members ORDER BY id"),
            [],
            member,
        )
    }

    /// Every member's plan, from the account's contracts: a member not in `plans` has none,
    /// unless `whole` is false (some contracts did not read), when their plan stays as it was.
    /// Answers how many members' plans changed.
    pub fn set_plans(
        &self,
        plans: &std::collections::BTreeMap<i64, String>,
        whole: bool,
    ) -> Result<usize, StoreError> {
        let mut changed = 0;
        for (id, plan) in self.rows("SELECT id, plan FROM members", [], |r| {
            Ok((r.get::<_, i64>("id")?, r.get::<_, Option<String>>("plan")?))
        })? {
            let now = plans.get(&id).cloned();
            if now.is_none() && !whole {
                continue;
            }
            if now != plan {
                self.exec(
                    "UPDATE members SET plan = ?2 WHERE id = ?1",
                    params![id, now],
                )?;
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Members whose whole record (the one-record read, the only one with a PIN) is older than
    /// their record or was never read: the location's first, then the most recently changed.
    pub fn members_to_fill(&self, location: i64, limit: usize) -> Result<Vec<i64>, StoreError> {
        self.rows(
            "SELECT id FROM members
             WHERE full_read_on IS NULL OR full_read_on <> COALESCE(updated_on, '')
             ORDER BY home_location = ?1 DESC, updated_on DESC, id
             LIMIT ?2",
            params![location, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| r.get("id"),
        )
    }

    /// The member's whole record has just been read, at its current version.
    pub fn set_full_read(&self, id: i64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE members SET full_read_on = COALESCE(updated_on, '') WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// How many members' whole records the kiosk has at their current version, of how many.
    pub fn fill_progress(&self) -> Result<(i64, i64), StoreError> {
        self.row(
            "SELECT COUNT(*) AS total,
                    COUNT(*) FILTER (WHERE full_read_on = COALESCE(updated_on, '')) AS filled
             FROM members",
            [],
            |r| Ok((r.get("filled")?, r.get("total")?)),
        )
        .map(Option::unwrap_or_default)
    }

    pub fn member_ids(&self) -> Result<Vec<i64>, StoreError> {
        self.rows("SELECT id FROM members ORDER BY id", [], |r| r.get("id"))
    }

    // ---- teams and locations ------------------------------------------------------------------

    pub fn replace_teams(&self, teams: &[(i64, String)]) -> Result<(), StoreError> {
        self.exec("DELETE FROM teams", [])?;
        for (id, name) in teams {
            self.exec(
                "INSERT INTO teams (id, name) VALUES (?1, ?2)",
                params![id, name],
            )?;
        }
        Ok(())
    }

    /// Every team of the account, as (Id, name).
    pub fn teams(&self) -> Result<Vec<(i64, String)>, StoreError> {
        self.rows("SELECT id, name FROM teams ORDER BY id", [], |r| {
            Ok((r.get("id")?, r.get("name")?))
        })
    }

    /// The names of the given teams, joined as the API's `TeamsAtTheTimeOfCheckin` wants.
    pub fn team_names(&self, ids: &[i64]) -> Result<Option<String>, StoreError> {
        let mut names = Vec::new();
        for id in ids {
            if let Some(name) = self.row("SELECT name FROM teams WHERE id = ?1", [id], |r| {
                r.get::<_, String>("name")
            })? {
                names.push(name);
            }
        }
        Ok((!names.is_empty()).then(|| names.join(", ")))
    }

    pub fn replace_locations(&self, locations: &[StoredLocation]) -> Result<(), StoreError> {
        self.exec("DELETE FROM locations", [])?;
        for l in locations {
            self.exec(
                "INSERT INTO locations (id, name, time_zone, nexudus_zone) VALUES (?1, ?2, ?3, ?4)",
                params![l.id, l.name, l.time_zone, l.nexudus_zone],
            )?;
        }
        Ok(())
    }

    pub fn locations(&self) -> Result<Vec<StoredLocation>, StoreError> {
        self.rows(
            "SELECT id, name, time_zone, nexudus_zone FROM locations ORDER BY name",
            [],
            |r| {
                Ok(StoredLocation {
                    id: r.get("id")?,
                    name: r.get("name")?,
                    time_zone: r.get("time_zone")?,
                    nexudus_zone: r.get("nexudus_zone")?,
                })
            },
        )
    }
}

/// A location of the account as the last sync read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLocation {
    pub id: i64,
    pub name: String,
    /// The IANA zone the location's Windows zone maps to, if it does.
    pub time_zone: Option<String>,
    /// The Windows zone name Nexudus gives the location, if it gives one.
    pub nexudus_zone: Option<String>,
}
