'use strict';
// A Node service instrumented with OpenTelemetry's JS SDK and its HTTP instrumentation, exporting its spans with the
// official OTLP/HTTP JSON trace exporter, configured by the standard environment variables (OTEL_SERVICE_NAME,
// OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS). Its only lines for the metrics app's sake put the caller
// (X-User, X-Org headers here) on the server span. It prints {"port"} once listening; a line "stop" on stdin shuts it
// down, exporting what it buffered, and it prints {"served": [event ids of its server spans]} before it exits.
const api = require('@opentelemetry/api');
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { detectResources, envDetector } = require('@opentelemetry/resources');

const provider = new NodeTracerProvider({
  resource: detectResources({ detectors: [envDetector] }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 200, maxExportBatchSize: 16 })],
});
provider.register();
registerInstrumentations({
  instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health', ignoreOutgoingRequestHook: () => true })],
});

const http = require('http');
const served = [];
const server = http.createServer((request, response) => {
  const path = new URL(request.url, 'http://localhost').pathname;
  const span = api.trace.getActiveSpan();
  if (span && path !== '/health') {
    const context = span.spanContext();
    served.push(`otlp-${context.traceId}-${context.spanId}`);
    if (request.headers['x-user']) span.setAttribute('enduser.id', request.headers['x-user']);
    if (request.headers['x-org']) span.setAttribute('org.id', request.headers['x-org']);
  }
  let status = 404;
  if (request.method === 'GET' && /^\/orders\/[^/]+$/.test(path)) status = 200;
  else if (request.method === 'GET' && /^\/orders\/[^/]+\/fail$/.test(path)) status = 500;
  else if (request.method === 'POST' && path === '/chat') {
    span.setAttribute('gen_ai.request.model', 'gpt-small');
    span.setAttribute('metrics.units', 100);
    status = 202;
  } else if (path === '/health') status = 200;
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(String(status));
});

server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

let input = '';
process.stdin.on('data', async (chunk) => {
  input += chunk;
  if (!input.includes('stop')) return;
  server.close();
  await provider.shutdown();
  console.log(JSON.stringify({ served }));
  process.exit(0);
});
