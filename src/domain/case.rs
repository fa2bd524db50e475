//! The vocabulary of a case: its kind, channel, status and proposal outcome.

string_enum! {
    /// What a citizen sends.
    Kind {
        /// A complaint about a service or a decision.
        Grievance = "grievance",
        /// An idea to improve a policy or a service.
        Proposal = "proposal",
    }
}

string_enum! {
    /// How a case reached the agency.
    Channel {
        /// A web form.
        Web = "web",
        /// An email.
        Email = "email",
        /// A phone call.
        Phone = "phone",
        /// A visit to an office.
        Visit = "visit",
        /// A letter.
        Letter = "letter",
        /// An Open311 client.
        Open311 = "open311",
        /// Another system through the API.
        Api = "api",
    }
}

string_enum! {
    /// Where a case is in its life (API.md "Statuses").
    Status {
        /// Taken in and routed to a team.
        Received = "received",
        /// Given to an operator of the team.
        Assigned = "assigned",
        /// Being worked on.
        InProgress = "in_progress",
        /// Waiting on the citizen or a third party.
        OnHold = "on_hold",
        /// Answered.
        Resolved = "resolved",
        /// Finished.
        Closed = "closed",
        /// Withdrawn by the citizen.
        Withdrawn = "withdrawn",
    }
}

string_enum! {
    /// The decision on a proposal.
    Outcome {
        /// Adopted as proposed.
        Adopted = "adopted",
        /// Adopted in part.
        PartiallyAdopted = "partially_adopted",
        /// Not adopted.
        Rejected = "rejected",
    }
}

string_enum! {
    /// The citizen's language for notices and pages.
    Locale {
        /// Korean.
        Ko = "ko",
        /// English.
        En = "en",
    }
}

impl Status {
    /// Open = not resolved, closed or withdrawn.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::Withdrawn)
    }
}

/// Whether an open case is past due at `now`. On hold the clock is stopped:
/// a held case is overdue only if it already was when the hold began.
pub fn is_overdue<T: PartialOrd>(due: T, held_since: Option<T>, now: T) -> bool {
    match held_since {
        Some(since) => due < since,
        None => now > due,
    }
}

/// Statuses counted as open, for queries.
pub const OPEN_STATUSES: [Status; 4] = [Status::Received, Status::Assigned, Status::InProgress, Status::OnHold];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn open_statuses_match_is_open() {
        for s in Status::ALL {
            assert_eq!(s.is_open(), OPEN_STATUSES.contains(s), "{s:?}");
        }
    }
}
