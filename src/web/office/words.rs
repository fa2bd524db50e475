//! The back office's words, Korean first, English second.

/// A word or sentence of the back office in the operator's language.
pub fn t(lang: &str, key: &str) -> &'static str {
    let (ko, en) = match key {
        "app" => ("civicdesk 민원 업무", "civicdesk back office"),
        "skip" => ("본문으로 건너뛰기", "Skip to content"),
        "login" => ("로그인", "Sign in"),
        "logout" => ("로그아웃", "Sign out"),
        "email" => ("이메일", "Email"),
        "password" => ("비밀번호", "Password"),
        "login_failed" => (
            "이메일 또는 비밀번호가 맞지 않습니다.",
            "The email or the password is wrong.",
        ),
        "login_throttled" => (
            "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
            "Too many sign-in attempts. Please wait a moment and try again.",
        ),
        "dashboard" => ("대시보드", "Dashboard"),
        "queue" => ("민원 목록", "Cases"),
        "happy_calls" => ("해피콜", "Happy calls"),
        "follow_ups" => ("후속 조치", "Follow-ups"),
        "scorecards" => ("성과", "Scorecards"),
        "settings" => ("설정", "Settings"),
        "main_nav" => ("주 메뉴", "Main"),
        "signed_in_as" => ("로그인:", "Signed in as"),
        "new" => ("신규", "New"),
        "in_progress" => ("처리 중", "In progress"),
        "on_hold" => ("보류", "On hold"),
        "due_today" => ("오늘 마감", "Due today"),
        "overdue" => ("기한 초과", "Overdue"),
        "this_week" => ("이번 주 마감", "Due this week"),
        "my_cases" => ("내 담당 민원", "My cases"),
        "my_teams" => ("우리 부서 현황", "My teams"),
        "open_follow_ups" => ("열린 후속 조치", "Open follow-ups"),
        "calls_to_make" => ("해야 할 해피콜", "Calls to make"),
        "none" => ("없음", "None"),
        "receipt_no" => ("접수번호", "Receipt"),
        "title" => ("제목", "Title"),
        "status" => ("상태", "Status"),
        "team" => ("담당 부서", "Team"),
        "assignee" => ("담당자", "Assignee"),
        "due" => ("처리 기한", "Due"),
        "processing_days" => ("처리 일수", "Processing days"),
        "received" => ("접수", "Received"),
        "kind" => ("유형", "Kind"),
        "category" => ("분류", "Category"),
        "search" => ("검색어", "Search"),
        "filter" => ("조회", "Filter"),
        "sort" => ("정렬", "Sort"),
        "sort_due" => ("기한 빠른 순", "Soonest due"),
        "sort_received" => ("최근 접수 순", "Newest"),
        "any" => ("전체", "Any"),
        "open" => ("미완료 전체", "All open"),
        "next_page" => ("다음 페이지", "Next page"),
        "prev_page" => ("이전 페이지", "Previous page"),
        "keys" => ("단축키", "Keys"),
        "keys_hint" => (
            "j/k 또는 ↓/↑ 행 이동 · Enter 열기 · n/p 다음/이전 페이지 · r 새로 고침 · / 검색 (30초마다 저절로 새로 고침)",
            "j/k or ↓/↑ move · Enter open · n/p next/previous page · r refresh · / search (refreshes itself every 30 s)",
        ),
        "no_cases" => ("조건에 맞는 민원이 없습니다.", "No cases match."),
        "citizen" => ("민원인", "Citizen"),
        "phone" => ("전화", "Phone"),
        "location" => ("위치", "Location"),
        "description" => ("내용", "Description"),
        "answers" => ("추가 질문 답변", "Answers to the category's questions"),
        "timeline" => ("처리 과정", "Timeline"),
        "actions" => ("처리", "Actions"),
        "survey" => ("만족도 조사", "Survey"),
        "resolution" => ("처리 결과", "Resolution"),
        "reason" => ("사유", "Reason"),
        "body" => ("내용", "Text"),
        "assign" => ("담당자 지정", "Assign"),
        "transfer" => ("부서 이관", "Transfer"),
        "notes" => ("내부 메모", "Internal note"),
        "replies" => ("민원인에게 답변", "Reply to the citizen"),
        "start" => ("처리 시작", "Start work"),
        "hold" => ("보류", "Put on hold"),
        "resume" => ("재개", "Resume"),
        "extend" => ("기한 연장", "Extend the deadline"),
        "resolve" => ("처리 완료", "Resolve"),
        "reopen" => ("다시 열기", "Reopen"),
        "close" => ("종결", "Close"),
        "business_days" => ("연장 근무일 수", "Business days"),
        "citizen_consent" => (
            "민원인이 동의함 (두 번째 연장)",
            "The citizen agreed (second extension)",
        ),
        "outcome" => ("제안 결과", "Outcome"),
        "planned" => ("시행 예정일", "Planned implementation date"),
        "adopted" => ("채택", "Adopted"),
        "process_short" => ("처리 과정", "Process"),
        "result_short" => ("처리 결과", "Result"),
        "survey_waiting" => ("응답 대기 중", "Waiting for the answer"),
        "operator" => ("담당 공무원", "Operator"),
        "system" => ("시스템", "System"),
        "partially_adopted" => ("부분 채택", "Partially adopted"),
        "rejected" => ("불채택", "Not adopted"),
        "under_review" => ("검토 중", "Under review"),
        "save" => ("저장", "Save"),
        "done" => ("처리되었습니다.", "Done."),
        "invalid" => ("입력한 내용을 확인해 주세요.", "Please check what you entered."),
        "forbidden" => ("이 작업을 할 권한이 없습니다.", "You may not do this."),
        "expired_form" => (
            "양식이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
            "This form has expired. Reload the page and try again.",
        ),
        "not_found" => ("찾을 수 없습니다.", "Not found."),
        "conflict" => (
            "지금 상태에서는 할 수 없습니다.",
            "This cannot be done in the case's current state.",
        ),
        "unavailable" => ("잠시 후 다시 시도해 주세요.", "Please try again in a moment."),
        "too_large" => (
            "보낸 내용이 너무 큽니다. 내용을 줄여 다시 보내 주세요.",
            "What you sent is too large. Shorten it and send it again.",
        ),
        "too_slow" => (
            "보낸 내용이 제때 도착하지 않았습니다. 다시 보내 주세요.",
            "What you sent did not arrive in time. Please send it again.",
        ),
        "bad_form" => (
            "보낸 양식을 읽을 수 없습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
            "The form could not be read. Reload the page and try again.",
        ),
        "error" => (
            "오류가 발생했습니다. 기록되었습니다.",
            "Something went wrong. It has been logged.",
        ),
        "language" => ("언어", "Language"),
        "choose" => ("선택", "Choose"),
        "public" => ("공개", "public"),
        "internal" => ("내부", "internal"),
        "grievance" => ("고충민원", "Grievance"),
        "proposal" => ("제안", "Proposal"),
        "off_worklist" => (
            "지금 상태에서는 할 수 없습니다. 이 민원은 더 이상 해피콜 목록에 없습니다 (이미 응답이 기록되었을 수 있습니다).",
            "This cannot be done now. The case is no longer on the call list (its answer may already be recorded).",
        ),
        "reason_no_email" => ("이메일 없음", "No email"),
        "reason_expired" => ("링크 응답 기한 지남", "Link expired unanswered"),
        "resolved_at" => ("처리 완료", "Resolved"),
        "why_call" => ("전화 사유", "Why call"),
        "process_score" => (
            "처리 과정에 얼마나 만족하셨습니까?",
            "How satisfied with how the case was handled?",
        ),
        "result_score" => ("처리 결과에 얼마나 만족하셨습니까?", "How satisfied with the result?"),
        "very_dissatisfied" => ("매우 불만족", "very dissatisfied"),
        "very_satisfied" => ("매우 만족", "very satisfied"),
        "comment" => ("하신 말씀 (선택)", "What they said (optional)"),
        "opened" => ("열린 때", "Opened"),
        "open_state" => ("진행 중", "Open"),
        "done_state" => ("완료", "Done"),
        "what_was_done" => ("조치 내용", "What was done"),
        "mark_done" => ("완료 처리", "Mark done"),
        "month" => ("월", "Month"),
        "download_csv" => ("CSV 내려받기", "Download CSV"),
        "ranking" => ("부서별 순위", "Teams ranked"),
        "rank" => ("순위", "Rank"),
        "resolved_count" => ("처리", "Resolved"),
        "on_time" => ("기한 내 처리율", "On time"),
        "responses" => ("응답 수", "Responses"),
        "satisfaction" => ("만족도", "Satisfaction"),
        "target" => ("목표", "Target"),
        "gap" => ("목표 대비", "Gap"),
        "agency" => ("기관 전체", "Agency"),
        "trend" => ("최근 12개월 추이", "The last twelve months"),
        "trend_days" => ("평균 처리 일수", "Average processing days"),
        "trend_satisfaction" => ("만족도 (%)", "Satisfaction (%)"),
        "teams" => ("부서", "Teams"),
        "operators" => ("운영자", "Operators"),
        "holidays" => ("공휴일", "Holidays"),
        "settings_api" => (
            "분류, 배정 규칙, API 토큰, 목표는 API 문서의 해당 항목으로 관리합니다:",
            "Categories, routing rules, API tokens and targets are managed through the API:",
        ),
        "name" => ("이름", "Name"),
        "role" => ("역할", "Role"),
        "active" => ("사용 중", "Active"),
        "inactive" => ("사용 중지", "Inactive"),
        "deactivate" => ("사용 중지", "Deactivate"),
        "triage" => ("분류 담당", "triage"),
        "add_team" => ("부서 추가", "Add a team"),
        "add_operator" => ("운영자 추가", "Add an operator"),
        "add_holiday" => ("공휴일 추가", "Add a holiday"),
        "year" => ("연도", "Year"),
        "date" => ("날짜", "Date"),
        "source" => ("근거", "Source"),
        "by_law" => ("법령", "Law"),
        "by_admin" => ("관리자", "Admin"),
        _ => ("", ""),
    };
    if lang == "en" {
        en
    } else {
        ko
    }
}

/// A status in the operator's words.
pub fn status(lang: &str, status: &str) -> &'static str {
    let (ko, en) = match status {
        "received" => ("접수", "Received"),
        "assigned" => ("배정", "Assigned"),
        "in_progress" => ("처리 중", "In progress"),
        "on_hold" => ("보류", "On hold"),
        "resolved" => ("처리 완료", "Resolved"),
        "closed" => ("종결", "Closed"),
        "withdrawn" => ("취하", "Withdrawn"),
        _ => ("?", "?"),
    };
    if lang == "en" {
        en
    } else {
        ko
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        for key in [
            "login",
            "dashboard",
            "replies",
            "resolve",
            "expired_form",
            "citizen_consent",
            "prev_page",
            "keys_hint",
            "too_large",
            "too_slow",
            "bad_form",
            "off_worklist",
        ] {
            assert!(!t("ko", key).is_empty() && !t("en", key).is_empty(), "{key}");
            assert_ne!(t("ko", key), t("en", key), "{key}");
        }
        assert_eq!(status("en", "on_hold"), "On hold");
    }
}
