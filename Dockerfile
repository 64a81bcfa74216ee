# Portcullis image: `docker build -t portcullis .` (docker-compose.yml does this for you).
# Stage 1 bundles the frontend, stage 2 builds the jar (tests are run by `./mvnw verify`, not here),
# stage 3 runs it on a JRE. The production jar carries no embedded database: set SPRING_R2DBC_URL etc.

FROM node:20-bookworm-slim AS frontend
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM maven:3.9-eclipse-temurin-17 AS jar
WORKDIR /build
COPY pom.xml ./
RUN mvn -B -ntp -q dependency:go-offline -Dfrontend.skip=true || true
COPY src/ src/
COPY db/ db/
COPY --from=frontend /build/frontend/dist/ frontend/dist/
RUN mvn -B -ntp package -DskipTests -Dfrontend.skip=true && cp target/portcullis-*.jar /build/portcullis.jar

FROM eclipse-temurin:17-jre
# a home of its own: a generated admin password goes to ~/.portcullis/initial-admin-password (owner-only)
RUN useradd --system --uid 10001 --create-home --home-dir /home/portcullis portcullis
USER portcullis
WORKDIR /app
COPY --from=jar /build/portcullis.jar /app/portcullis.jar
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=5 \
  CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q UP <&3"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/portcullis.jar"]
