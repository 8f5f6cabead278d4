/**
 * Where the learner is on the simulated internet: the address their own computer (the SSH
 * gateway's clients) and their CloudShell-style workstation come from, and what the console's
 * "My IP" source in security group rules means. One address, so a rule written with My IP lets
 * in exactly what the learner sends.
 */
export const LEARNER_IP = '203.0.113.10';
export const LEARNER_CIDR = `${LEARNER_IP}/32`;
