// The end-to-end suite's mail server: a real SMTP server (npm smtp-server) that parses every
// message it receives (mailparser) and shows them to the tests over HTTP:
//   GET /messages?to=address  → JSON list, oldest first: { to, subject, text, html, language }
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import http from 'node:http';

const smtpPort = Number(process.env.SMTP_PORT ?? 3725);
const httpPort = Number(process.env.SMTP_HTTP_PORT ?? 3726);
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({
          to: mail.to?.text ?? '',
          from: mail.from?.text ?? '',
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '',
        });
        callback();
      })
      .catch(callback);
  },
});
smtp.listen(smtpPort, '127.0.0.1');

http
  .createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/messages') {
      const to = (url.searchParams.get('to') ?? '').toLowerCase();
      const found = messages.filter((m) => m.to.toLowerCase().includes(to));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(found));
    } else {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
    }
  })
  .listen(httpPort, '127.0.0.1');
