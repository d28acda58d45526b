import { requestH2cUpgrade } from 'h2duplex';

const url = process.argv[2] ?? 'http://127.0.0.1:8080/';
const { h2, response } = await requestH2cUpgrade(url);         // GET over HTTP/1.1, then 101
h2.on('error', () => {});
response.on('response', (headers) => console.log(headers));   // stream 1, over HTTP/2
for await (const chunk of response) process.stdout.write(chunk as Buffer);
await h2.close();
