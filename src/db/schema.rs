//! The tables, as both migration folders create them.

diesel::table! {
    teams (id) {
        id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        triage -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    operators (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        locale -> Text,
    }
}

diesel::table! {
    office_sessions (token_hash) {
        token_hash -> Text,
        operator_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    operator_teams (operator_id, team_id) {
        operator_id -> Text,
        team_id -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        operator_id -> Text,
        name -> Text,
        token_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        name_en -> Nullable<Text>,
        kind -> Text,
        default_team_id -> Nullable<Text>,
        deadline_amount -> Integer,
        deadline_unit -> Text,
        keywords -> Text,
        description -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        attributes -> Text,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> Text,
        position -> Integer,
        kind -> Nullable<Text>,
        category_code -> Nullable<Text>,
        keywords -> Text,
        team_id -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    holidays (date) {
        date -> Date,
        name -> Text,
        active -> Bool,
        updated_at -> Timestamp,
        origin -> Text,
    }
}

diesel::table! {
    holiday_years (year) {
        year -> Integer,
        rules_version -> Integer,
        applied_at -> Timestamp,
    }
}

diesel::table! {
    reference_version (id) {
        id -> Integer,
        database_id -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    receipt_counters (year) {
        year -> Integer,
        last_seq -> Integer,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        receipt_no -> Text,
        kind -> Text,
        category_id -> Nullable<Text>,
        title -> Text,
        description -> Text,
        citizen_name -> Text,
        citizen_email -> Nullable<Text>,
        citizen_phone -> Nullable<Text>,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        address -> Nullable<Text>,
        locale -> Text,
        channel -> Text,
        status -> Text,
        outcome -> Nullable<Text>,
        team_id -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        access_token_hash -> Text,
        deadline_amount -> Integer,
        deadline_unit -> Text,
        received_at -> Timestamp,
        due_at -> Timestamp,
        extended -> Bool,
        extension_count -> Integer,
        held_since -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
        planned_implementation_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        is_open -> Bool,
        next_notice_at -> Nullable<Timestamp>,
        attributes -> Nullable<Text>,
        media_url -> Nullable<Text>,
    }
}

diesel::table! {
    case_events (id) {
        id -> Text,
        case_id -> Text,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        event_type -> Text,
        public -> Bool,
        data -> Text,
    }
}

diesel::table! {
    idempotency_keys (scope, idem_key) {
        scope -> Text,
        idem_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(operator_teams -> operators (operator_id));
diesel::joinable!(operator_teams -> teams (team_id));
diesel::joinable!(api_tokens -> operators (operator_id));
diesel::joinable!(categories -> teams (default_team_id));
diesel::joinable!(routing_rules -> teams (team_id));
diesel::joinable!(cases -> teams (team_id));
diesel::joinable!(cases -> categories (category_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(office_sessions -> operators (operator_id));

diesel::table! {
    case_holds (id) {
        id -> Text,
        case_id -> Text,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(case_holds -> cases (case_id));

diesel::table! {
    case_figures (case_id) {
        case_id -> Text,
        team_id -> Nullable<Text>,
        category_id -> Nullable<Text>,
        kind -> Text,
        received_at -> Timestamp,
        resolved_at -> Timestamp,
        processing_days -> Integer,
        on_time -> Bool,
        survey -> Integer,
        process_score -> Nullable<Integer>,
        result_score -> Nullable<Integer>,
        zone -> Text,
        month -> Integer,
    }
}

diesel::table! {
    figure_tallies (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id) {
        month -> Integer,
        team_id -> Text,
        kind -> Text,
        processing_days -> Integer,
        on_time -> Bool,
        survey -> Integer,
        process_score -> Integer,
        result_score -> Integer,
        category_id -> Text,
        cases -> BigInt,
        folded -> Bool,
    }
}

diesel::joinable!(case_figures -> cases (case_id));

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        case_id -> Nullable<Text>,
        to_addr -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        status -> Text,
        attempts -> Integer,
        not_before -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    surveys (id) {
        id -> Text,
        case_id -> Text,
        team_id -> Nullable<Text>,
        token_hash -> Nullable<Text>,
        channel -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        reminder_id -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        process_score -> Nullable<Integer>,
        result_score -> Nullable<Integer>,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> Text,
        survey_id -> Text,
        case_id -> Text,
        team_id -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::joinable!(surveys -> cases (case_id));
diesel::joinable!(follow_ups -> cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    case_figures,
    teams,
    operators,
    operator_teams,
    api_tokens,
    categories,
    routing_rules,
    holidays,
    holiday_years,
    receipt_counters,
    cases,
    case_events,
    idempotency_keys,
    case_holds,
    outbox,
    surveys,
    follow_ups,
    targets,
    office_sessions,
    reference_version,
);

diesel::table! {
    targets (year, kind) {
        year -> Integer,
        kind -> Text,
        satisfaction_rate -> Double,
        updated_at -> Timestamp,
    }
}
