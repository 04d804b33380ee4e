// The local sandbox: simulators, gateway and the one-machine start-up. Import the parts by subpath (@kongo/sandbox/hubspot, /events, /jobs, /faults).
export {};
