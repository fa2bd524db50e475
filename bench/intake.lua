-- wrk script: every request files a new grievance (no category: the service
-- classifies and routes it), so each one is a full intake transaction.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"kind":"grievance","title":"학교 앞 도로 포트홀 %d","description":"어제부터 큰 구멍이 있어 위험합니다. 빠른 보수를 요청합니다.","citizen":{"name":"김민원","email":"citizen%d@example.org"}}',
    n, n)
  return wrk.format(nil, nil, nil, body)
end
