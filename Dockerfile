# Airbyte source connector image: `docker build -t airbyte/source-feishu-approval:0.1.0 .`
# The platform launches it as `sh -c "$AIRBYTE_ENTRYPOINT <command> <args>"`; plain
# `docker run IMAGE spec` goes through ENTRYPOINT, which is the same command.

# --- build: compile the connector (src/ only) with the dev dependencies ---------------------
FROM node:24-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

# --- runtime: production dependencies, the compiled connector and its spec, nothing else -----
FROM node:24-bookworm-slim
WORKDIR /airbyte/integration_code
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist/src ./dist/src
# spec.json is read at run time from three levels above dist/src/source/.
COPY spec ./spec

ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/src/main.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/src/main.js"]

LABEL io.airbyte.name=airbyte/source-feishu-approval
LABEL io.airbyte.version=0.1.0

USER node
