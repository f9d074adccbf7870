# syntax=docker/dockerfile:1
# unleash-koa-proxy: a drop-in replacement for the unleashorg/unleash-proxy image. It reads the
# same environment variables (UNLEASH_URL, UNLEASH_API_TOKEN, UNLEASH_PROXY_CLIENT_KEYS, ...).

# The Node major of .node-version (a current LTS), which the release workflow runs .ci/run on
# before it builds this image (and passes in).
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: compile TypeScript, then drop the dev dependencies ---------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: compiled code and production dependencies only, run as `node` --------------------
FROM ${NODE_IMAGE}
# tini as PID 1 forwards SIGTERM to node (which then drains in-flight requests) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

LABEL org.opencontainers.image.title="unleash-koa-proxy" \
      org.opencontainers.image.description="Drop-in replacement for the Unleash Proxy, on Koa" \
      org.opencontainers.image.licenses="Apache-2.0"

WORKDIR /app
# Mounted strategy files get the proxy's packages without NODE_PATH; it stays for any other
# script run in the image that expects it.
# PROXY_MODE=online: a container started without UNLEASH_URL is a boot error, never the demo
# flags (`-e PROXY_MODE=demo` asks for them, `-e PROXY_MODE=offline` serves a mounted file).
ENV NODE_ENV=production \
    NODE_PATH=/app/node_modules \
    PROXY_MODE=online
# PORT is deliberately not set here: it would win over a PROXY_PORT given at `docker run`.

# Owned by root and read-only for the `node` user that runs the proxy.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The bundled example flags, served with PROXY_MODE=demo.
COPY examples ./examples

USER node
EXPOSE 3000

# No curl in the image: the proxy's own `health` command asks /proxy/health on the port and
# base path in use.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "dist/src/main.js", "health"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
