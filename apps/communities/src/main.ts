import { runService } from '@linli/nest-kit';
import { AppModule } from './app.module.js';
import { communitiesConfig } from './config.js';

await runService('communities', communitiesConfig, (config) => AppModule.forRoot(config), process.env);
