# syntax=docker/dockerfile:1
# One image, four roles, chosen by the command:
#   api (default)  node dist/src/main.js
#   realtime       node dist/realtime/main.js
#   workers        node dist/workers/main.js
#   migrations     node dist/db/migrate-cli.js
# Configuration comes from the environment only (see .env.example); nothing secret is baked in.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# --- deps: every dependency (dev included) for the compiler -----------------------------------
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci

# --- build: tsc -p tsconfig.build.json → dist/{src,realtime,workers,db,openapi} -----------------
# The context holds no tools/ (the Stripe stand-in) nor test/ (.dockerignore); src/dev is not built.
FROM deps AS build
COPY . .
RUN npm run build \
 && test -f dist/src/main.js \
 && test -f dist/realtime/main.js \
 && test -f dist/workers/main.js \
 && test -f dist/db/migrate-cli.js \
 && test -f console/dist/index.html \
 && test ! -e dist/src/dev \
 && test ! -e dist/tools

# --- runtime: production dependencies + compiled JavaScript, as the unprivileged `node` user ----
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    REALTIME_PORT=3001 \
    STORAGE_DIR=/app/.data/uploads
COPY package.json package-lock.json ./
RUN npm ci --omit=dev \
 && npm cache clean --force \
 && mkdir -p /app/.data/uploads \
 && chown -R node:node /app/.data
COPY --from=build /app/dist ./dist
# The support console: static files the api serves at /console (src/http/console-assets.ts).
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 3000 3001
# For the api role. docker-compose.yml overrides it for realtime and disables it for workers/migrate.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
