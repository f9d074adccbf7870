# syntax=docker/dockerfile:1
# unleash-koa-proxy: a drop-in replacement for the unleashorg/unleash-proxy image. It reads the
# same environment variables (UNLEASH_URL, UNLEASH_API_TOKEN, UNLEASH_PROXY_CLIENT_KEYS, ...).

# The Node major of .node-version, which CI tests with (the release workflow passes it in).
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile TypeScript, then drop the dev dependencies ---------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install rather than npm ci: the lock file holds biome's binary for linux only (the
# registry these machines reach has no others), which npm ci treats as out of sync.
RUN npm install --no-audit --no-fund
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

# No curl in the image: Node's own fetch asks /proxy/health on the port and base path in use.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "const e=process.env;const b=(e.PROXY_BASE_PATH||'').trim().replace(/\\/+$/,'');const base=b&&!b.startsWith('/')?'/'+b:b;const port=(e.PORT||'').trim()||(e.PROXY_PORT||'').trim()||'3000';fetch('http://127.0.0.1:'+port+base+'/proxy/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
