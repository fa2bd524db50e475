//! Who may see and do what with a case (API.md "Auth"): decided here once,
//! for every door.

use super::case::Status;
use super::catalog::Role;

/// How much of one case an operator sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Not even that it exists for them (403).
    Nothing,
    /// The case with the citizen's contact and the public timeline only: a
    /// happy-call operator's view of a case on the worklist.
    Public,
    /// Everything, internal notes and operator names included.
    Everything,
}

/// What an operator sees of a case in `status`: `in_teams` says whether the
/// case belongs to one of the operator's teams, `on_worklist` whether it
/// waits for a happy call.
pub fn sight(role: Role, in_teams: bool, status: Status, on_worklist: bool) -> Sight {
    match role {
        Role::Admin => Sight::Everything,
        Role::Manager | Role::Agent if in_teams => Sight::Everything,
        Role::Manager | Role::Agent => Sight::Nothing,
        Role::Happycall if on_worklist && matches!(status, Status::Resolved | Status::Closed) => Sight::Public,
        Role::Happycall => Sight::Nothing,
    }
}

/// Whether the operator may work a case they see (assign, reply, resolve, …):
/// happy-call operators record surveys, they do not work cases.
pub fn may_work(role: Role, sight: Sight) -> bool {
    role != Role::Happycall && sight == Sight::Everything
}

/// Whether the operator may record a phone answer: happy-call operators and
/// admins, for any resolved or closed case (in the sample or not; recording
/// an answer shows nothing of the case).
pub fn may_record_phone_answer(role: Role) -> bool {
    matches!(role, Role::Happycall | Role::Admin)
}

/// Whether the operator may list the case queue (a happy-call operator's list
/// is the happy-call worklist, not the queue of open cases).
pub fn may_list_cases(role: Role) -> bool {
    role != Role::Happycall
}

/// Whether the operator may read the citizens' survey answers and comments
/// (their teams' for managers and agents): not the happy-call operators, who
/// take answers but do not review them.
pub fn may_read_answers(role: Role) -> bool {
    role != Role::Happycall
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_and_case() {
        use Sight::*;
        for status in Status::ALL {
            let done = matches!(status, Status::Resolved | Status::Closed);
            for in_teams in [false, true] {
                for listed in [false, true] {
                    let s = |r| sight(r, in_teams, *status, listed);
                    assert_eq!(s(Role::Admin), Everything);
                    let team = if in_teams { Everything } else { Nothing };
                    assert_eq!(s(Role::Manager), team);
                    assert_eq!(s(Role::Agent), team);
                    let call = if done && listed { Public } else { Nothing };
                    assert_eq!(s(Role::Happycall), call, "{status:?} listed {listed}");
                }
            }
        }
        assert!(may_work(Role::Agent, Sight::Everything));
        assert!(!may_work(Role::Happycall, Sight::Public));
        assert!(!may_work(Role::Agent, Sight::Nothing));
        assert!(may_record_phone_answer(Role::Happycall) && !may_record_phone_answer(Role::Agent));
        assert!(!may_list_cases(Role::Happycall) && may_list_cases(Role::Agent));
        assert!(!may_read_answers(Role::Happycall) && may_read_answers(Role::Manager));
    }
}
