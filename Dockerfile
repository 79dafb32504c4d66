# Airbyte source connector image: `docker build -t airbyte/source-feishu-approval:0.5.0 .`
# The platform launches it as `sh -c "$AIRBYTE_ENTRYPOINT <command> <args>"`; plain
# `docker run IMAGE spec` goes through ENTRYPOINT, which is the same command.
#
# Base image: node:24-bookworm-slim, pinned by digest so a rebuild gets the same bytes (both stages
# use the same one). To move to a newer node:24-bookworm-slim, replace both digests with the one
# `docker buildx imagetools inspect node:24-bookworm-slim` prints, in one commit. (This digest was
# taken from public Dockerfiles that pin it; no registry was reachable to confirm it when it was set.)

# --- build: compile the connector (src/ only) with the dev dependencies ---------------------
# node:24-bookworm-slim
FROM node:24-bookworm-slim@sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6 AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

# --- runtime: production dependencies, the compiled connector and its spec, nothing else -----
# node:24-bookworm-slim
FROM node:24-bookworm-slim@sha256:0e0ff40c39bc087845bfb27465a0df4ea419520094bc35842ff83dd8cbe6f9b6
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
LABEL io.airbyte.version=0.5.0

USER node
