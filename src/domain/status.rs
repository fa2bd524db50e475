//! The status machine of a case (API.md "Statuses"): which action is allowed
//! from which status, and where it leads.

use super::case::Status;

string_enum! {
    /// Something done to a case.
    Action {
        /// Give it to an operator of its team.
        Assign = "assign",
        /// Move it to another team.
        Transfer = "transfer",
        /// Add an internal note.
        Note = "note",
        /// Send the citizen a public message.
        Reply = "reply",
        /// Begin work.
        Start = "start",
        /// Wait on the citizen or a third party.
        Hold = "hold",
        /// Work again after a hold.
        Resume = "resume",
        /// Extend the deadline.
        Extend = "extend",
        /// Answer the citizen.
        Resolve = "resolve",
        /// Take an answered case back to work.
        Reopen = "reopen",
        /// Finish an answered case.
        Close = "close",
        /// The citizen withdraws it.
        Withdraw = "withdraw",
        /// The proposer asks for a rejected proposal to be reviewed again.
        ReReview = "re_review",
    }
}

/// An action the status does not allow (a 409).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Illegal {
    /// The case's status.
    pub status: Status,
    /// The refused action.
    pub action: Action,
}

impl std::fmt::Display for Illegal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot {} a case that is {}",
            self.action.as_str().replace('_', "-"),
            self.status.as_str().replace('_', " ")
        )
    }
}

/// The status after `action` on a case in `status`, or why not.
pub fn transition(status: Status, action: Action) -> Result<Status, Illegal> {
    use Action as A;
    use Status as S;
    let next = match (action, status) {
        (A::Note, s) => Some(s),
        (A::Assign, S::Received) => Some(S::Assigned),
        (A::Assign, s @ (S::Assigned | S::InProgress | S::OnHold)) => Some(s),
        (A::Transfer, S::Received | S::Assigned | S::InProgress) => Some(S::Received),
        // The team's first public reply starts the work.
        (A::Reply, S::Assigned) => Some(S::InProgress),
        (A::Reply, s @ (S::Received | S::InProgress | S::OnHold)) => Some(s),
        (A::Start, S::Received | S::Assigned) => Some(S::InProgress),
        (A::Hold, S::InProgress) => Some(S::OnHold),
        (A::Resume, S::OnHold) => Some(S::InProgress),
        (A::Extend, s) if s.is_open() => Some(s),
        (A::Resolve, S::Received | S::Assigned | S::InProgress) => Some(S::Resolved),
        (A::Reopen, S::Resolved | S::Closed) => Some(S::InProgress),
        (A::Close, S::Resolved) => Some(S::Closed),
        (A::Withdraw, s) if s.is_open() => Some(S::Withdrawn),
        (A::ReReview, S::Resolved | S::Closed) => Some(S::InProgress),
        _ => None,
    };
    next.ok_or(Illegal { status, action })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use Status as S;

    /// The whole table: for each action, the status it leads to from each of
    /// received, assigned, in_progress, on_hold, resolved, closed, withdrawn.
    fn expected(action: Action) -> [Option<Status>; 7] {
        let x = None;
        match action {
            A::Assign => [
                Some(S::Assigned),
                Some(S::Assigned),
                Some(S::InProgress),
                Some(S::OnHold),
                x,
                x,
                x,
            ],
            A::Transfer => [Some(S::Received), Some(S::Received), Some(S::Received), x, x, x, x],
            A::Note => [
                Some(S::Received),
                Some(S::Assigned),
                Some(S::InProgress),
                Some(S::OnHold),
                Some(S::Resolved),
                Some(S::Closed),
                Some(S::Withdrawn),
            ],
            A::Reply => [
                Some(S::Received),
                Some(S::InProgress),
                Some(S::InProgress),
                Some(S::OnHold),
                x,
                x,
                x,
            ],
            A::Start => [Some(S::InProgress), Some(S::InProgress), x, x, x, x, x],
            A::Hold => [x, x, Some(S::OnHold), x, x, x, x],
            A::Resume => [x, x, x, Some(S::InProgress), x, x, x],
            A::Extend => [
                Some(S::Received),
                Some(S::Assigned),
                Some(S::InProgress),
                Some(S::OnHold),
                x,
                x,
                x,
            ],
            A::Resolve => [Some(S::Resolved), Some(S::Resolved), Some(S::Resolved), x, x, x, x],
            A::Reopen => [x, x, x, x, Some(S::InProgress), Some(S::InProgress), x],
            A::Close => [x, x, x, x, Some(S::Closed), x, x],
            A::Withdraw => [
                Some(S::Withdrawn),
                Some(S::Withdrawn),
                Some(S::Withdrawn),
                Some(S::Withdrawn),
                x,
                x,
                x,
            ],
            A::ReReview => [x, x, x, x, Some(S::InProgress), Some(S::InProgress), x],
        }
    }

    #[test]
    fn every_status_and_action_pair() {
        assert_eq!(Status::ALL.len(), 7);
        for &action in Action::ALL {
            for (i, &status) in Status::ALL.iter().enumerate() {
                let got = transition(status, action).ok();
                assert_eq!(got, expected(action)[i], "{action:?} from {status:?}");
                if got.is_none() {
                    let e = transition(status, action).unwrap_err();
                    let msg = e.to_string();
                    assert!(msg.contains(&status.as_str().replace('_', " ")), "{msg}");
                    assert!(msg.contains(&action.as_str().replace('_', "-")), "{msg}");
                }
            }
        }
    }

    #[test]
    fn the_detail_reads_well() {
        assert_eq!(
            transition(S::Closed, A::Resolve).unwrap_err().to_string(),
            "cannot resolve a case that is closed"
        );
        assert_eq!(
            transition(S::Received, A::Resume).unwrap_err().to_string(),
            "cannot resume a case that is received"
        );
    }
}
