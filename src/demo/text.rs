//! Words for demo cases: citizens' names, titles, answers, and the extra
//! teams a mid-sized city has besides the six seeded ones.

use rand::seq::SliceRandom;
use rand::Rng;

const SURNAMES: &[&str] = &[
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권",
];
const GIVEN: &[&str] = &[
    "민준", "서연", "도윤", "하은", "지호", "지우", "예준", "수아", "현우", "지민", "건우", "채원", "영수", "순자",
    "정희", "성호", "미경", "동현", "은지", "상철",
];

/// A Korean name.
pub fn name(rng: &mut impl Rng) -> String {
    format!(
        "{}{}",
        SURNAMES.choose(rng).copied().unwrap_or("김"),
        GIVEN.choose(rng).copied().unwrap_or("민수")
    )
}

/// Extra demo teams: (name, email, category code, category name, English name, keywords).
pub const EXTRA_TEAMS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "공원녹지과 (Parks)",
        "parks@city.example",
        "parks",
        "공원·녹지",
        "Parks and green spaces",
    ),
    (
        "건축과 (Building)",
        "building@city.example",
        "building",
        "건축·공사",
        "Building and construction",
    ),
    (
        "세무과 (Local Taxes)",
        "taxes@city.example",
        "local-tax",
        "지방세",
        "Local taxes",
    ),
    (
        "보건소 (Public Health)",
        "health@city.example",
        "public-health",
        "보건·위생",
        "Public health",
    ),
    (
        "문화체육과 (Culture & Sports)",
        "culture@city.example",
        "culture-sports",
        "문화·체육시설",
        "Culture and sports facilities",
    ),
    (
        "주택과 (Housing)",
        "housing@city.example",
        "housing",
        "주택·공동주택",
        "Housing",
    ),
];

/// A title for a case of this category.
pub fn title(code: &str, rng: &mut impl Rng) -> String {
    let options: &[&str] = match code {
        "road-damage" => &[
            "도로에 포트홀이 생겼습니다",
            "보도블록이 깨져 있습니다",
            "도로 균열 보수 요청",
        ],
        "streetlight" => &["가로등이 꺼져 있습니다", "신호등이 고장났습니다", "가로등 깜빡임"],
        "safety-hazard" => &["싱크홀 위험", "간판 낙하 위험", "공사장 안전 펜스 파손"],
        "illegal-parking" => &["상습 불법 주정차 단속 요청", "소화전 앞 불법 주차", "인도 위 주차 차량"],
        "public-transport" => &["버스 배차 간격이 너무 깁니다", "정류장 안내기 고장", "버스 무정차 통과"],
        "noise" => &["야간 공사 소음", "층간 소음 중재 요청", "공장 진동이 심합니다"],
        "waste" => &["쓰레기 무단투기", "재활용품 수거 누락", "음식물 쓰레기통 악취"],
        "welfare-benefit" => &["기초생활수급 신청 문의", "돌봄 서비스 신청", "긴급 복지 지원 요청"],
        "procedure-question" => &["증명서 발급 절차 문의", "전입신고 서류 문의", "인감 발급 절차"],
        "law-question" => &["조례 해석 질의", "건축법 적용 질의", "주차장법 관련 질의"],
        "parks" => &["공원 벤치 파손", "가로수 가지치기 요청", "놀이터 시설 점검 요청"],
        "building" => &["무허가 건축물 신고", "공사장 분진", "건축 허가 문의"],
        "local-tax" => &["재산세 고지 오류", "자동차세 환급 문의", "지방세 분납 신청"],
        "public-health" => &["음식점 위생 불량 신고", "모기 방역 요청", "예방접종 일정 문의"],
        "culture-sports" => &[
            "체육관 대관 문의",
            "도서관 운영시간 연장 요청",
            "문화센터 강좌 개설 요청",
        ],
        "housing" => &["공동주택 관리비 분쟁", "임대주택 하자 보수", "주거급여 문의"],
        _ => &["시정 개선 제안", "행정 서비스 개선 건의", "주민 편의 시설 제안"],
    };
    options.choose(rng).copied().unwrap_or("민원").to_string()
}

/// An answer to the citizen.
pub fn resolution(rng: &mut impl Rng) -> String {
    [
        "현장을 확인하고 조치를 완료했습니다.",
        "담당 부서에서 보수 공사를 마쳤습니다.",
        "관련 법령에 따라 안내해 드립니다.",
        "요청하신 사항을 검토하여 반영했습니다.",
        "단속을 실시하고 계도 조치했습니다.",
    ]
    .choose(rng)
    .copied()
    .unwrap_or("처리했습니다.")
    .to_string()
}
