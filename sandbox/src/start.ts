// `npm start`: will run the whole product locally. Until the sandbox lands it says so honestly.
console.log(
  'npm start: the local sandbox (studio, simulators, gateway, Notification Centre) is not built yet.',
);
console.log('Run `npm test` to check the parts that exist; see README.md.');
