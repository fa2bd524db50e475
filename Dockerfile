# Build: the C libraries (SQLite, libpq) are bundled, so no -dev packages.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/civicdesk

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/civicdesk civicdesk \
    && mkdir -p /var/lib/civicdesk && chown civicdesk /var/lib/civicdesk
COPY --from=build /src/target/release/civicdesk /usr/local/bin/civicdesk
USER civicdesk
WORKDIR /var/lib/civicdesk
ENV CIVICDESK_BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/civicdesk/civicdesk.db \
    CIVICDESK_OUTBOX_DIR=/var/lib/civicdesk/outbox
EXPOSE 8080
ENTRYPOINT ["civicdesk"]
CMD ["serve"]
