# 改革报表填报系统 — production image. Expects DATABASE_URL (an external PostgreSQL); the embedded
# database is for development only. Migrations run at start, before the app listens.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# Noto Sans CJK: the PDF briefings embed the glyphs they use (src/scoring/reports/briefing-pdf.ts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 SEED_DEMO=false
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node views ./views
COPY --chown=node:node public ./public
COPY --chown=node:node ops/roles.sql ./ops/roles.sql
COPY --chown=node:node src/auth/data ./src/auth/data
USER node
EXPOSE 3000
# Liveness: the process answers (a database outage is /health/ready, for the load balancer).
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
