import { runService } from '@linli/nest-kit';
import { AppModule } from './app.module.js';
import { leaderOpsConfig } from './config.js';

await runService('leader-ops', leaderOpsConfig, (config) => AppModule.forRoot(config), process.env);
